// The manager screens' client-side routes (under /console/).
import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [];
export default routes;
