// The director screens' client-side routes (under /console/).
import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  {
    path: "/director/dashboard",
    component: () => import("./Dashboard.vue"),
    meta: {
      area: "director",
      title: "director.dashboard.title",
      roles: ["manager", "hr", "admin"],
      nav: true,
    },
  },
];
export default routes;
