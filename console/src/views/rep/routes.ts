// The rep screens' client-side routes (under /console/): my goals, tasks, weekly report,
// live score and pay. Every signed-in person has them (the services decide what they read).
import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  {
    path: "/rep/goals",
    name: "rep-goals",
    component: () => import("./RepGoals.vue"),
    meta: { area: "rep", title: "rep.goals.title", roles: ["member", "manager"], nav: true },
  },
  {
    path: "/rep/tasks",
    name: "rep-tasks",
    component: () => import("./RepTasks.vue"),
    meta: { area: "rep", title: "rep.tasks.title", roles: ["member", "manager"], nav: true },
  },
  {
    path: "/rep/weekly",
    name: "rep-weekly",
    component: () => import("./RepWeekly.vue"),
    meta: { area: "rep", title: "rep.weekly.title", roles: ["member", "manager"], nav: true },
  },
  {
    path: "/rep/score",
    name: "rep-score",
    component: () => import("./RepScore.vue"),
    meta: { area: "rep", title: "rep.score.title", roles: ["member", "manager"], nav: true },
  },
  {
    path: "/rep/pay",
    name: "rep-pay",
    component: () => import("./RepPay.vue"),
    meta: { area: "rep", title: "rep.pay.title", roles: ["member", "manager"], nav: true },
  },
];
export default routes;
