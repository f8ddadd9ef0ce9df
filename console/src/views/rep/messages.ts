// The rep screens' texts: Chinese first, then English (same keys in both).
export default {
  "zh-CN": { rep: {} },
  en: { rep: {} },
};
