import { useEffect, useState } from 'react';
import { droppedFiles } from '../state/droppedFiles.ts';
import { useAppStore } from '../state/store.ts';
import { loadDropped } from '../state/typedAngles.ts';

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

/** Full-window drop target: shows a hint while files are dragged over the page. */
export function DropZone() {
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    let depth = 0;
    const onEnter = (event: DragEvent): void => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth += 1;
      setDragging(true);
    };
    const onOver = (event: DragEvent): void => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const onLeave = (event: DragEvent): void => {
      if (!hasFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onDrop = (event: DragEvent): void => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth = 0;
      setDragging(false);
      // Folders are opened (a RELION frames/ folder with its STAR table); the load says what is wrong with the files.
      void droppedFiles(event.dataTransfer).then(
        (files) => (files.length ? loadDropped(files).catch(() => undefined) : undefined),
        (error: unknown) => useAppStore.getState().showError(`Could not read the dropped folder: ${error instanceof Error ? error.message : String(error)}`),
      );
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, []);

  if (!dragging) return null;
  return (
    <div className="drop-overlay" data-testid="drop-overlay">
      <div className="drop-card">
        <div className="drop-title">Drop to load a tilt series</div>
        <div className="drop-hint">MRC stack (.mrc .st .ali .mrcs, optionally .gz) together with its angles (.tlt .rawtlt .mdoc .aln), a RELION tilt-series .star with its tilt images, or a pipeline's whole output folder (AreTomo3, etomo) or a folder of simulations: folders are opened</div>
      </div>
    </div>
  );
}
