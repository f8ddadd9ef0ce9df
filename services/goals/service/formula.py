"""Formula KPIs: arithmetic over other KPIs' codes (``revenue / spend``), parsed safely.

Only numbers, KPI codes, ``+ - * /``, unary minus and parentheses are accepted; nothing is
ever evaluated as Python."""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import cast

_OPERATORS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
}


class FormulaError(ValueError):
    pass


def parse(formula: str) -> ast.expr:
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"cannot read the formula: {exc.msg}") from exc
    _check(tree.body)
    return tree.body


def _check(node: ast.expr) -> None:
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        _check(node.left)
        _check(node.right)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        _check(node.operand)
    elif isinstance(node, ast.Name):
        return
    elif not (isinstance(node, ast.Constant) and type(node.value) in (int, float)):
        raise FormulaError("a formula may use KPI codes, numbers, + - * / and parentheses only")
    elif not math.isfinite(cast(float, node.value)):
        raise FormulaError(f"a number in a formula must be finite, not {node.value!r}")


def inputs(formula: str) -> list[str]:
    """The KPI codes a formula reads, in order of first use."""
    names = [node for node in ast.walk(parse(formula)) if isinstance(node, ast.Name)]
    seen: list[str] = []
    for node in sorted(names, key=lambda n: (n.lineno, n.col_offset)):
        if node.id not in seen:
            seen.append(node.id)
    return seen


def evaluate(formula: str, values: Mapping[str, Decimal | None]) -> Decimal | None:
    """The formula's value, or None when an input is missing or a division is by zero."""

    def value(node: ast.expr) -> Decimal | None:
        if isinstance(node, ast.Constant):
            return Decimal(str(node.value))
        if isinstance(node, ast.Name):
            return values.get(node.id)
        if isinstance(node, ast.UnaryOp):
            operand = value(node.operand)
            return None if operand is None else -operand
        assert isinstance(node, ast.BinOp)
        left, right = value(node.left), value(node.right)
        if left is None or right is None:
            return None
        operator = _OPERATORS[type(node.op)]
        try:
            if operator == "+":
                return left + right
            if operator == "-":
                return left - right
            if operator == "*":
                return left * right
            if right == 0:
                return None
            return left / right
        except (DivisionByZero, InvalidOperation):
            return None

    return value(parse(formula))


def find_cycle(graph: Mapping[str, list[str]], start: str) -> list[str] | None:
    """A path from ``start`` back to itself through formula inputs, if there is one."""
    path: list[str] = []
    visiting: set[str] = set()

    def visit(code: str) -> list[str] | None:
        if code in visiting:
            return [*path[path.index(code) :], code]
        visiting.add(code)
        path.append(code)
        for child in graph.get(code, []):
            found = visit(child)
            if found:
                return found
        path.pop()
        visiting.discard(code)
        return None

    return visit(start)
