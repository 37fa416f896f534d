"""What the checker puts in the IR: the facts later phases rely on."""

from __future__ import annotations

from envdsl.check.checker import check
from envdsl.ir import nodes as ir
from envdsl.ir import types as t
from envdsl.syntax.parser import parse

SPEC = """
env shop {
  title "Shop"
  domain commerce
  clock "2026-03-01T09:00:00"

  entity Customer {
    key id: str
    name: str
    description: str = ""        // a field named like a header keyword
    order: int = 0               // ... and like a query keyword
    balance: money check balance >= 0
  }

  entity Order {
    key id: str = next_id("O")
    customer: Customer
    total: money
    status: enum { open, paid } = open
    placed: datetime = now()
  }

  tool place(customer: Customer, total: money) -> Order raises Broke {
    require customer.balance >= total else Broke "{customer.name} cannot pay {total}"
    update customer set balance = balance - total
    return insert Order { customer: customer, total: total }
  }

  tool open_orders(customer: Customer, limit: int = 10) -> list<Order> {
    return find o in Order where o.customer == customer and o.status == open order by o.placed desc limit limit
  }

  invariant "non-negative": all c in Customer: c.balance >= 0
}
"""


def _env() -> ir.Env:
    module, diagnostics = parse(SPEC, "shop.envdsl")
    assert diagnostics == []
    env, diagnostics = check(module)
    assert [d for d in diagnostics if d.is_error] == []
    assert env is not None
    return env


def test_fields_named_like_keywords_parse() -> None:
    customer = _env().entity("Customer")
    assert [f.name for f in customer.fields] == ["id", "name", "description", "order", "balance"]


def test_insert_lists_every_field_in_declaration_order() -> None:
    place = _env().tool("place")
    assert place is not None
    ret = place.body[-1]
    assert isinstance(ret, ir.Return) and isinstance(ret.value, ir.Insert)
    names = [name for name, _ in ret.value.values]
    assert names == ["id", "customer", "total", "status", "placed"]
    values = dict(ret.value.values)
    assert isinstance(values["id"], ir.NextId) and values["id"].prefix == "O"
    assert isinstance(values["status"], ir.EnumValue) and values["status"].value == "open"
    assert isinstance(values["placed"], ir.Call) and values["placed"].func == "now"


def test_effects_are_read_and_write_sets() -> None:
    env = _env()
    place = env.tool("place")
    assert place is not None
    effects = place.effects
    assert ir.FieldRef("Customer", "balance") in effects.reads
    assert ir.FieldRef("Customer", "balance") in effects.writes
    assert effects.inserts == ("Order",)
    assert effects.deletes == ()
    assert place.raises == ("Broke", "NotFound")  # NotFound: an entity parameter
    listing = env.tool("open_orders")
    assert listing is not None and listing.effects.is_read_only
    assert ir.FieldRef("Order", "*") in listing.effects.reads


def test_types_of_parameters_and_returns() -> None:
    env = _env()
    listing = env.tool("open_orders")
    assert listing is not None
    assert listing.returns == t.ListT(t.EntityT("Order"))
    assert [p.type for p in listing.params] == [t.EntityT("Customer"), t.INT]
    assert isinstance(listing.params[1].default, ir.Literal) and listing.params[1].default.value == 10
    order = env.entity("Order")
    status = order.field("status")
    assert status is not None and status.type == t.EnumT("Order_status", ("open", "paid"))
    assert any(e.name == "Order_status" and e.inline for e in env.enums)


def test_require_message_keeps_interpolations_typed() -> None:
    place = _env().tool("place")
    assert place is not None
    require = place.body[0]
    assert isinstance(require, ir.Require)
    assert require.error == "Broke"
    parts = require.message
    assert isinstance(parts[0], ir.Attr) and parts[0].field == "name"
    assert parts[1] == " cannot pay "
    assert isinstance(parts[2], ir.Var) and parts[2].type == t.MONEY


def test_update_rhs_bare_name_is_the_target_field() -> None:
    place = _env().tool("place")
    assert place is not None
    update = place.body[1]
    assert isinstance(update, ir.Update)
    (field, value), = update.assignments
    assert field == "balance"
    assert isinstance(value, ir.Binary) and isinstance(value.left, ir.Attr) and value.left.field == "balance"


def test_errors_in_ir_include_builtin_and_raised() -> None:
    env = _env()
    assert [e.name for e in env.errors] == ["Broke", "NotFound"]
    assert env.clock.isoformat() == "2026-03-01T09:00:00"
