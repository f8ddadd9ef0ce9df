// Client-side routes under /console/: sign-in, home, and each area's screens. A route's meta
// says which roles see it in the navigation; the services decide what each caller may read.
import { createRouter, createWebHistory, type RouteRecordRaw } from "vue-router";
import Callback from "./auth/Callback.vue";
import SignIn from "./auth/SignIn.vue";
import Home from "./Home.vue";
import NotFound from "./NotFound.vue";
import { session, type Role } from "./session";
import rep from "./views/rep/routes";
import manager from "./views/manager/routes";
import director from "./views/director/routes";
import finance from "./views/finance/routes";
import hr from "./views/hr/routes";
import dept from "./views/dept/routes";

declare module "vue-router" {
  interface RouteMeta {
    /** The area's key (areas.* in the texts) and the screen's title key. */
    area?: string;
    title?: string;
    /** Who sees the screen in the navigation (everyone signed in when absent). */
    roles?: Role[];
    /** Listed in the navigation (screens reached from another, like a detail, are not). */
    nav?: boolean;
    public?: boolean;
  }
}

export const areaRoutes: RouteRecordRaw[] = [
  ...rep,
  ...manager,
  ...director,
  ...finance,
  ...hr,
  ...dept,
];

export const router = createRouter({
  history: createWebHistory("/console/"),
  routes: [
    { path: "/", name: "home", component: Home },
    { path: "/signin", name: "signin", component: SignIn, meta: { public: true } },
    { path: "/callback", name: "callback", component: Callback, meta: { public: true } },
    ...areaRoutes,
    { path: "/:rest(.*)*", name: "not-found", component: NotFound },
  ],
});

router.beforeEach((to) => {
  if (!to.meta.public && !session.signedIn) {
    return { name: "signin", query: to.fullPath !== "/" ? { next: to.fullPath } : {} };
  }
  return true;
});
