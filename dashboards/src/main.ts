import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router';
import { setSignedOutHandler } from './api';
import './style.css';

setSignedOutHandler(() => {
  void router.replace({ path: '/login', query: { expired: '1' } });
});

createApp(App).use(router).mount('#app');
