// The hr screens' texts: Chinese first, then English (same keys in both).
export default {
  "zh-CN": { hr: {} },
  en: { hr: {} },
};
