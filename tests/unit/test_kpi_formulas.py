"""Formula KPIs (goals/service/formula.py): a formula is KPI codes (any script), numbers,
``+ - * /``, unary minus and parentheses, and nothing else; it is evaluated in Decimal with
the usual precedence (a literal like 0.1 is exactly 0.1); a missing input or a division by
zero gives no value rather than an error; its inputs are the codes it reads, each once; and
a formula that reaches itself through its inputs is a cycle, shown as a path. The inputs
come in the order the formula first reads them; a number must be finite."""

from __future__ import annotations

from decimal import Decimal

import pytest

from goals.service.formula import FormulaError, evaluate, find_cycle, inputs, parse

D = Decimal


def test_roi_is_revenue_over_spend() -> None:
    assert evaluate("revenue / spend", {"revenue": D("1000"), "spend": D("250")}) == D(4)
    assert evaluate("revenue / spend", {"revenue": D("100"), "spend": D("400")}) == D("0.25")


def test_precedence_and_parentheses() -> None:
    values = {"a": D(1), "b": D(2), "c": D(3)}
    assert evaluate("a + b * c", values) == D(7)
    assert evaluate("(a + b) * c", values) == D(9)
    assert evaluate("c - b - a", values) == D(0)  # left to right
    assert evaluate("c / b / a", values) == D("1.5")
    assert evaluate("-a + 10", values) == D(9)
    assert evaluate("-(a - c)", values) == D(2)


def test_arithmetic_is_decimal_not_float() -> None:
    # In binary floating point 0.1 * 3 is 0.30000000000000004 and 0.1 + 0.2 is not 0.3.
    assert evaluate("x * 0.1", {"x": D(3)}) == D("0.3")
    assert evaluate("x + 0.1 + 0.2", {"x": D(0)}) == D("0.3")
    assert evaluate("x * 0.1", {"x": D("123.45")}) == D("12.345")
    # Division keeps Decimal's 28 significant digits.
    assert evaluate("a / b", {"a": D(1), "b": D(3)}) == D("0." + "3" * 28)


def test_division_by_zero_gives_no_value() -> None:
    assert evaluate("revenue / spend", {"revenue": D(1000), "spend": D(0)}) is None
    assert evaluate("revenue / spend", {"revenue": D(0), "spend": D(0)}) is None
    assert evaluate("a / (b - c)", {"a": D(1), "b": D(2), "c": D(2)}) is None
    assert evaluate("a / 0", {"a": D(5)}) is None


def test_a_missing_input_gives_no_value() -> None:
    assert evaluate("revenue / spend", {"revenue": D(1000)}) is None
    assert evaluate("revenue / spend", {"revenue": D(1000), "spend": None}) is None
    assert evaluate("-spend", {}) is None
    # An input multiplied by zero still needs its value.
    assert evaluate("a * 0 + b", {"b": D(1)}) is None


def test_numbers_alone_evaluate() -> None:
    assert evaluate("2 * (3 + 4)", {}) == D(14)
    assert evaluate("1.5", {}) == D("1.5")


def test_chinese_codes_are_inputs() -> None:
    assert inputs("营收 / 花费") == ["营收", "花费"]
    assert evaluate("营收 / 花费", {"营收": D(300), "花费": D(100)}) == D(3)


def test_inputs_are_the_codes_read_each_once() -> None:
    assert inputs("revenue / spend") == ["revenue", "spend"]
    assert inputs("a * a + a") == ["a"]
    assert inputs("2 * 3") == []


def test_inputs_come_in_the_order_the_formula_first_uses_them() -> None:
    assert inputs("(a + b) * a - c") == ["a", "b", "c"]


@pytest.mark.parametrize(
    "formula",
    [
        "a ** 2",
        "a % 2",
        "a // 2",
        "+a",
        "abs(a)",
        "a.b",
        "a[0]",
        "a > b",
        "a and b",
        "a if b else c",
        "True",
        "'text'",
        "1j",
        "[a]",
        "lambda: 1",
        "__import__('os').system('true')",
    ],
)
def test_anything_but_codes_numbers_and_four_operators_is_refused(formula: str) -> None:
    with pytest.raises(FormulaError, match=r"KPI codes, numbers, \+ - \* / and parentheses only"):
        parse(formula)
    with pytest.raises(FormulaError):
        evaluate(formula, {"a": D(1), "b": D(1), "c": D(1)})


@pytest.mark.parametrize("formula", ["", "a +", "(a", "a b", "import os", "a = 1"])
def test_a_formula_that_does_not_read_is_refused(formula: str) -> None:
    with pytest.raises(FormulaError, match="cannot read the formula"):
        inputs(formula)


def test_a_formula_error_is_a_value_error() -> None:
    assert issubclass(FormulaError, ValueError)


def test_no_cycle_when_inputs_lead_to_plain_kpis() -> None:
    graph = {"roi": ["revenue", "spend"], "revenue": [], "spend": [], "margin": ["roi", "spend"]}
    assert find_cycle(graph, "roi") is None
    assert find_cycle(graph, "margin") is None
    assert find_cycle({}, "revenue") is None  # a KPI the graph does not know has no inputs


def test_a_diamond_is_not_a_cycle() -> None:
    # d reads b and c, both read a: a is reached twice but never from itself.
    assert find_cycle({"d": ["b", "c"], "b": ["a"], "c": ["a"], "a": []}, "d") is None


def test_a_formula_reaching_itself_is_a_cycle_shown_as_a_path() -> None:
    assert find_cycle({"a": ["a"]}, "a") == ["a", "a"]
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}, "a") == ["a", "b", "c", "a"]
    # The path is the one through the inputs in their order: b first, and b -> a closes it.
    assert find_cycle({"a": ["x", "b"], "x": [], "b": ["a"]}, "a") == ["a", "b", "a"]


def test_a_cycle_further_down_the_inputs_is_found_as_that_loop() -> None:
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["b"]}, "a") == ["b", "c", "b"]


@pytest.mark.parametrize("formula", ["revenue * 1e400", "1e309 - spend"])
def test_a_number_too_large_to_be_finite_is_refused(formula: str) -> None:
    with pytest.raises(FormulaError, match="finite"):
        parse(formula)
