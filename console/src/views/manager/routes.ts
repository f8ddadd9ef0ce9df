// The manager screens' client-side routes (under /console/).
import type { RouteRecordRaw } from "vue-router";

const roles: ("manager" | "hr" | "admin")[] = ["manager", "hr", "admin"];

const routes: RouteRecordRaw[] = [
  {
    path: "/team/cascade",
    component: () => import("./Cascade.vue"),
    meta: { area: "manager", title: "manager.cascade.title", roles, nav: true },
  },
  {
    path: "/team/scores",
    component: () => import("./Scores.vue"),
    meta: { area: "manager", title: "manager.scores.title", roles, nav: true },
  },
  {
    path: "/team/reviews",
    component: () => import("./Reviews.vue"),
    meta: { area: "manager", title: "manager.reviews.title", roles, nav: true },
  },
  {
    path: "/team/risks",
    component: () => import("./Risks.vue"),
    meta: { area: "manager", title: "manager.risks.title", roles, nav: true },
  },
];
export default routes;
