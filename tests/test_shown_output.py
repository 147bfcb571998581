"""What a check printed is shown cut short and without a line of the hidden suite."""

from grader.reporting.shown_output import LINES_LEFT_OUT, MAX_CHECK_OUTPUT_LINES, check_output, last_lines

SUITE = '''def test_secret(exercise):
    got = exercise.parallel_map(square, items, 2)
    assert got == expected, "message"
'''


def test_short_output_is_kept_whole():
    assert last_lines(["a", "b"], 3) == ["a", "b"]


def test_long_output_keeps_its_last_lines_and_says_how_many_were_left_out():
    shown = last_lines([str(n) for n in range(10)], 4)
    assert shown == [LINES_LEFT_OUT.format(count=7), "7", "8", "9"]


def test_check_output_is_cut_to_its_limit():
    printed = "\n".join(f"line {n}" for n in range(100))
    shown = check_output(printed, SUITE).splitlines()
    assert len(shown) == MAX_CHECK_OUTPUT_LINES
    assert shown[-1] == "line 99"


def test_check_output_drops_lines_quoting_the_suite():
    printed = ("my own print\n"
               "Traceback (most recent call last):\n"
               '  File "suite.py", line 2, in test_secret\n'
               "    got = exercise.parallel_map(square, items, 2)\n"
               ">       got = exercise.parallel_map(square, items, 2)\n"
               "ValueError: no pool today")
    assert check_output(printed, SUITE).splitlines() == [
        "my own print", "Traceback (most recent call last):",
        '  File "suite.py", line 2, in test_secret', "ValueError: no pool today"]
