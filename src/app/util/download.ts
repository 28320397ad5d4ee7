/** Saving files from the page. */

/** A file-name-safe stem: "Simulated demo (spheres)" → "simulated_demo_spheres", "tomo.mrc.gz" → "tomo". */
export function fileStem(name: string): string {
  const first = name.split(/\s*\+\s*|,\s*/)[0] ?? name;
  const withoutExt = first.replace(/(\.(mrc|st|ali|mrcs|rec|map|tlt|rawtlt|mdoc))?(\.gz)?$/i, '');
  const safe = withoutExt
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return safe || 'dataset';
}

export function exportFileName(datasetName: string, method: string, extension: string): string {
  return `${fileStem(datasetName)}_${method}.${extension}`;
}

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
