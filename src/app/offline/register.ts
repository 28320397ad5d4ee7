/** Register the offline cache (serviceWorkerScript.ts) of a production build; the page works without it. */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`).catch((error: unknown) => {
      console.warn('WedgeLab: the offline cache could not be installed:', error);
    });
  });
}
