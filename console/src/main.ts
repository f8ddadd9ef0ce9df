import { createApp } from "vue";
import App from "./App.vue";
import { i18n } from "./i18n";
import { connectLive } from "./live";
import { router } from "./router";
import { session } from "./session";
import "./style.css";

createApp(App).use(i18n).use(router).mount("#app");
if (session.signedIn) connectLive();
