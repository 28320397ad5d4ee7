import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { registerServiceWorker } from './app/offline/register.ts';
import { installScriptingHook } from './app/scripting.ts';
import './app/styles.css';

installScriptingHook();
// The offline cache in production builds only: in development it would serve stale modules.
if (import.meta.env.PROD) registerServiceWorker();

const root = document.getElementById('root');
if (!root) throw new Error('WedgeLab: #root element missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
