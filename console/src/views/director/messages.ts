// The director screens' texts: Chinese first, then English (same keys in both).
export default {
  "zh-CN": { director: {} },
  en: { director: {} },
};
