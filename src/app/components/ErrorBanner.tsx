import { useAppStore } from '../state/store.ts';

export function ErrorBanner() {
  const error = useAppStore((s) => s.error);
  const dismiss = useAppStore((s) => s.dismissError);
  if (!error) return null;
  return (
    <div className="error-banner" role="alert">
      <span className="icon">!</span>
      <span className="text" data-testid="error-message">
        {error.message}
      </span>
      <button type="button" className="ghost" onClick={dismiss} data-testid="error-dismiss" aria-label="Dismiss error">
        ✕
      </button>
    </div>
  );
}
