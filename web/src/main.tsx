import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The global sheet first: the components' CSS modules come after it and may refine its classes.
import './styles.css';
import { App } from './App.tsx';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
