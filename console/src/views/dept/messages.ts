// The dept screens' texts: Chinese first, then English (same keys in both).
export default {
  "zh-CN": { dept: {} },
  en: { dept: {} },
};
