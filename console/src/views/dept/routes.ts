// The dept screens' client-side routes (under /console/): the ticket inbox and a ticket,
// meetings and action items, retrospectives, the knowledge base. Anyone in a department.
import type { RouteRecordRaw } from "vue-router";

const routes: RouteRecordRaw[] = [
  {
    path: "/dept/tickets",
    name: "dept-tickets",
    component: () => import("./Tickets.vue"),
    meta: { area: "dept", title: "dept.tickets.title", nav: true },
  },
  {
    path: "/dept/tickets/:id",
    name: "dept-ticket",
    component: () => import("./TicketDetail.vue"),
    props: true,
    meta: { area: "dept", title: "dept.ticket.heading", nav: false },
  },
  {
    path: "/dept/meetings",
    name: "dept-meetings",
    component: () => import("./Meetings.vue"),
    meta: { area: "dept", title: "dept.meetings.title", nav: true },
  },
  {
    path: "/dept/retros",
    name: "dept-retros",
    component: () => import("./Retros.vue"),
    meta: { area: "dept", title: "dept.retros.title", nav: true },
  },
  {
    path: "/dept/knowledge",
    name: "dept-knowledge",
    component: () => import("./Knowledge.vue"),
    meta: { area: "dept", title: "dept.knowledge.title", nav: true },
  },
];
export default routes;
