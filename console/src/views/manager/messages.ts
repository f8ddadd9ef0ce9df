// The manager screens' texts: Chinese first, then English (same keys in both).
export default {
  "zh-CN": { manager: {} },
  en: { manager: {} },
};
