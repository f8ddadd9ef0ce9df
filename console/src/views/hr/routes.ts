// The hr screens' client-side routes (under /console/): positions, requisitions and their
// candidate pipeline, competencies and role fit, team health and composition.
import type { RouteRecordRaw } from "vue-router";

const roles: ("hr" | "admin" | "manager")[] = ["hr", "admin"];
const routes: RouteRecordRaw[] = [
  {
    path: "/hr/positions",
    name: "hr-positions",
    component: () => import("./Positions.vue"),
    meta: { area: "hr", title: "hr.positions.title", roles: [...roles, "manager"], nav: true },
  },
  {
    path: "/hr/requisitions",
    name: "hr-requisitions",
    component: () => import("./Requisitions.vue"),
    meta: { area: "hr", title: "hr.requisitions.title", roles: [...roles, "manager"], nav: true },
  },
  {
    path: "/hr/requisitions/:id/pipeline",
    name: "hr-pipeline",
    component: () => import("./Pipeline.vue"),
    props: true,
    meta: { area: "hr", title: "hr.pipeline.title", roles: [...roles, "manager"], nav: false },
  },
  {
    path: "/hr/competencies",
    name: "hr-competencies",
    component: () => import("./Competencies.vue"),
    meta: { area: "hr", title: "hr.competencies.title", roles: [...roles, "manager"], nav: true },
  },
  {
    path: "/hr/health",
    name: "hr-health",
    component: () => import("./Health.vue"),
    meta: { area: "hr", title: "hr.health.title", roles, nav: true },
  },
];
export default routes;
