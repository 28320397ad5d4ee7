/**
 * The page's wall when its engine worker could not start at all. Without WebGPU the engine takes the CPU path
 * (docs/cpu.md), so this is no longer about WebGPU: a browser without module workers, or a worker that failed.
 */
export function WebGpuMissing({ reason }: { reason: string }) {
  return (
    <div className="webgpu-missing" data-testid="webgpu-missing">
      <div className="card">
        <h1>WedgeLab's engine could not start</h1>
        <p>
          The engine runs in a module worker, on WebGPU or on the CPU. Open WedgeLab in a recent <strong>Google Chrome</strong>,{' '}
          <strong>Microsoft Edge</strong> or <strong>Firefox</strong>, served over https or from http://localhost / 127.0.0.1.
        </p>
        <p className="reason">Details: {reason}</p>
      </div>
    </div>
  );
}
