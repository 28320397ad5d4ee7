export function WebGpuMissing({ reason }: { reason: string }) {
  return (
    <div className="webgpu-missing" data-testid="webgpu-missing">
      <div className="card">
        <h1>WedgeLab needs WebGPU</h1>
        <p>
          Reconstruction runs on your GPU through WebGPU, which this browser does not provide. Open WedgeLab in a recent
          <strong> Google Chrome</strong> or <strong>Microsoft Edge</strong> (version 113 or later) with WebGPU enabled, served over
          https or from http://localhost / 127.0.0.1.
        </p>
        <p className="reason">Details: {reason}</p>
      </div>
    </div>
  );
}
