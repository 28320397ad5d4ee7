import { useEffect } from 'react';
import { formatBytes } from '../../io/bytes.ts';
import { useAppStore } from '../state/store.ts';

/**
 * A data set or result too large to be kept for after a reload by itself (state/keeping.ts): a button that keeps
 * it, saying what that writes. Nothing once it is kept, or for one that was kept by itself.
 */
export function KeepOffer({ id }: { id: string }) {
  const bytes = useAppStore((s) => s.keepOffers[id]);
  const keep = useAppStore((s) => s.keepOffered);
  if (bytes === undefined) return null;
  return (
    <button
      type="button"
      className="small ghost keep-offer"
      data-testid="keep-offer"
      title={`Not kept for after a reload by itself: keeping writes ${formatBytes(bytes)} to this browser's private storage, in the background`}
      onClick={(e) => {
        e.stopPropagation();
        keep(id);
      }}
    >
      Keep ({formatBytes(bytes)})
    </button>
  );
}

/**
 * While a data set or result is offered and not kept, leaving or reloading the page asks first (the browser's own
 * prompt): after a reload it would be gone, and the restore list could not name it.
 */
export function useAskBeforeLeavingUnkept(): void {
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (Object.keys(useAppStore.getState().keepOffers).length > 0) event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);
}
