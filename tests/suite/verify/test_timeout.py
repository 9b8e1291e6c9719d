import signal
import time

from suite.verify.timeout import TimeoutPool


def slow_python_loop(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return "done"


def sleep_in_c(seconds):
    time.sleep(seconds)  # interrupted by the worker's SIGALRM only when a handler raises: it does
    return "done"


def stuck_in_c(_):
    # Stands in for a C call that never returns to the interpreter (the soft timer's signal is never handled).
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    while True:
        pass


def test_results_come_back_in_input_order_across_workers():
    pool = TimeoutPool(workers=2, timeout_s=5)
    try:
        assert pool.map(abs, list(range(-300, 0)), default=None, chunk_size=16) == list(range(300, 0, -1))
    finally:
        pool.shutdown()


def test_a_python_level_hang_is_cut_by_the_soft_timeout_and_the_worker_survives():
    pool = TimeoutPool(workers=1, timeout_s=0.5)
    try:
        assert pool.map(slow_python_loop, [0.0, 30.0, 0.0], default="timeout") == ["done", "timeout", "done"]
        assert pool.hard_kills == 0
    finally:
        pool.shutdown()


def test_a_c_level_hang_is_killed_and_only_the_culprit_scores_the_default():
    pool = TimeoutPool(workers=1, timeout_s=0.5)
    try:
        assert pool.call(abs, -1, default=None) == 1  # worker start-up outside the timing
        start = time.monotonic()
        assert pool.map(stuck_in_c, [0], default="killed") == ["killed"]
        assert time.monotonic() - start < 0.5 + 1.0 + 0.5 + 1.0  # timeout + slack + batch allowance + the kill
        assert pool.hard_kills >= 1
        assert pool.call(abs, -3, default=None) == 3  # a fresh worker took over
    finally:
        pool.shutdown()
