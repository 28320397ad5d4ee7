import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { installScriptingHook } from './app/scripting.ts';
import './app/styles.css';

installScriptingHook();

const root = document.getElementById('root');
if (!root) throw new Error('WedgeLab: #root element missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
