// The finance screens' texts: Chinese first, then English (same keys in both).
export default {
  "zh-CN": { finance: {} },
  en: { finance: {} },
};
