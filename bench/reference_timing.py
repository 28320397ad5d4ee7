"""The timing every numpy/scipy reference of `npm run bench` reports: the best of three runs, printed as JSON."""
import json
import time


def print_best_of_three(run):
    """Time `run()` three times and print {"seconds": the shortest} as the bench reads it."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"seconds": best}))
