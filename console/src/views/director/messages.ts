// The director screens' texts: Chinese first, then English (same keys in both).
export default {
  "zh-CN": {
    director: {
      dashboard: {
        title: "部门看板",
        unit: "单位",
        year: "年度",
        none: "该单位本年度没有指标",
        actual: "实际",
        target: "目标",
        noValue: "暂无数据",
        hours: "{n} 小时",
        hoursPerMember: "{n} 小时/人",
        targetLine: "目标",
        how: "计算方法",
        chartLabel: "{figure}按月趋势折线图（目标 {target}）：{points}",
        serviceDown: "{service}暂不可用",
        detail: "（{detail}）",
        status: {
          met: "已达成",
          at_risk: "有风险",
          missed: "未达成",
          no_data: "暂无数据",
          unavailable: "不可用",
        },
        service: { goals: "目标服务", performance: "绩效服务", incentives: "激励服务", collab: "协作服务" },
      },
    },
  },
  en: {
    director: {
      dashboard: {
        title: "Department dashboard",
        unit: "Unit",
        year: "Year",
        none: "No figures for this unit and year",
        actual: "Actual",
        target: "Target",
        noValue: "No data",
        hours: "{n} h",
        hoursPerMember: "{n} h per member",
        targetLine: "Target",
        how: "How it is computed",
        chartLabel: "Line chart of {figure} by month (target {target}): {points}",
        serviceDown: "The {service} is unavailable",
        detail: " ({detail})",
        status: {
          met: "Met",
          at_risk: "At risk",
          missed: "Missed",
          no_data: "No data",
          unavailable: "Unavailable",
        },
        service: {
          goals: "goals service",
          performance: "performance service",
          incentives: "incentives service",
          collab: "collaboration service",
        },
      },
    },
  },
};
