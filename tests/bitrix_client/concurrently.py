"""Running test work in several threads at once, with their failures raised in the test."""
import threading


def run_concurrently(work, arguments) -> list:
    """Call `work(argument)` for each argument in its own thread, released together; return results."""
    release = threading.Barrier(len(arguments))
    results, failures = [None] * len(arguments), []

    def run(index, argument):
        release.wait()
        try:
            results[index] = work(argument)
        except Exception as error:  # handed to the test thread below
            failures.append(error)

    threads = [threading.Thread(target=run, args=item) for item in enumerate(arguments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return results
