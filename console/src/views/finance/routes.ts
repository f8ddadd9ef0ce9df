// The finance screens' client-side routes (under /console/): payout runs and a run's lines.
import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  {
    path: "/finance/runs",
    name: "finance-runs",
    component: () => import("./Runs.vue"),
    meta: { area: "finance", title: "finance.runs.title", roles: ["finance", "hr", "admin"], nav: true },
  },
  {
    path: "/finance/runs/:id",
    name: "finance-run",
    component: () => import("./RunDetail.vue"),
    props: true,
    meta: { area: "finance", title: "finance.run.title", roles: ["finance", "hr", "admin"], nav: false },
  },
];
export default routes;
