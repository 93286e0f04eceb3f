#!/usr/bin/env python3
"""Compare divopt with the same model built in PuLP and solved by HiGHS and CBC.

The PuLP model is the PLAIN scaled model of models/core.md (every
(product, scenario) pair gets a fill variable phi and row (4); raw capacity
coefficients), the reference shape of src/formulation.rs (Shape::Plain).
divopt itself solves the lean model plus a floor-0 baseline; both shapes have
the same optimum, so the objectives must agree within the optimality gap.

Needs `pip install pulp highspy` (CBC comes bundled with PuLP). It installs
nothing itself. See benches/README.md for how to run it and measured numbers.

Prints one markdown table row per solver on stdout (the header unless
--no-header); details (model size, solver-internal times, gaps, the plan
checks) and warnings go to stderr.

Only divopt's canonical CSV layout is read (as `divopt generate` writes it:
comma-separated, plain decimal numbers); no --bom.
"""

import argparse
import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict

try:
    import pulp
except ImportError:  # pragma: no cover - the message is the point
    sys.exit("pulp_compare.py needs PuLP: pip install pulp highspy")


# --------------------------------------------------------------------------
# Input (src/input/options.rs, src/input/scenarios.rs)
# --------------------------------------------------------------------------

def _header(name):
    """Header names as divopt reads them: trimmed, lower-cased, spaces and dashes as _."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def read_table(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = [_header(h) for h in next(reader)]
        rows = []
        for line, cells in enumerate(reader, start=2):
            cells = [c.strip() for c in cells]
            if not any(cells):
                continue
            cells += [""] * (len(header) - len(cells))
            rows.append((line, dict(zip(header, cells))))
    return rows


def _number(row, column, line, default=None, required=False):
    text = row.get(column, "")
    if text == "":
        if required:
            raise ValueError(f"row {line}: {column} is required")
        return default
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"row {line}: {column} {text!r} is not a plain number") from None
    if not math.isfinite(value):
        raise ValueError(f"row {line}: {column} {text!r} is not finite")
    return value


def _flag(row, column, line):
    text = row.get(column, "").lower()
    if text in ("", "false", "no", "0", "n", "f"):
        return False
    if text in ("true", "yes", "1", "y", "t"):
        return True
    raise ValueError(f"row {line}: {column} {text!r} is not true or false")


class Product:
    def __init__(self, name, row, line, cli_max_region_share):
        self.name = name
        self.demand = _number(row, "demand", line, required=True)  # d_p
        if self.demand <= 0:
            raise ValueError(f"row {line}: demand must be > 0 (no --bom here)")
        self.weight = _number(row, "weight", line, default=1.0)  # w_p
        self.holding_cost = _number(row, "holding_cost", line)  # h_p; None: no reserve
        self.max_reserve = _number(row, "max_reserve", line)  # R_p; None: no cap
        self.floor = _number(row, "floor", line)  # f_p
        self.min_local_share = _number(row, "min_local_share", line)  # L_p
        share = _number(row, "max_region_share", line)  # S_p: the lower of column and CLI
        if cli_max_region_share is not None:
            share = cli_max_region_share if share is None else min(share, cli_max_region_share)
        self.max_region_share = share
        self.options = []  # indices into the option list, in input order


class Option:
    def __init__(self, index, product, row, line):
        self.index = index
        self.product = product
        self.supplier = row["supplier"]
        self.region = row["region"]
        self.local = _flag(row, "local", line)
        self.unit_cost = _number(row, "unit_cost", line, required=True)  # c_o
        self.capacity = _number(row, "capacity", line, required=True)  # cap_o
        self.fixed_cost = _number(row, "fixed_cost", line, default=0.0)  # F_o
        size = _number(row, "module_size", line)
        cost = _number(row, "module_cost", line)
        count = _number(row, "max_modules", line)
        given = [v is not None for v in (size, cost, count)]
        if any(given) and not all(given):
            raise ValueError(f"row {line}: module_size, module_cost, max_modules go together")
        self.module = (size, cost, int(count)) if all(given) else None  # (u_o, e_o, M_o)

    def max_capacity(self):
        if self.module is None:
            return self.capacity
        return self.capacity + self.module[0] * self.module[2]


def read_options(path, cli_max_region_share):
    products = OrderedDict()
    options = []
    for line, row in read_table(path):
        name = row.get("product", "")
        if not name or not row.get("supplier") or not row.get("region"):
            raise ValueError(f"{path}: row {line}: product, supplier and region are required")
        if name not in products:
            products[name] = Product(name, row, line, cli_max_region_share)
        product = products[name]
        option = Option(len(options), product, row, line)
        product.options.append(option.index)
        options.append(option)
    return list(products.values()), options


class Scenario:
    def __init__(self, name, duration, probability):
        self.name = name
        self.duration = duration  # T_k
        self.probability = probability
        self.rules = []  # (region, supplier, product, loss)
        self.loss = {}  # option index -> a_{k,o} > 0


def read_scenarios(path, options):
    scenarios = OrderedDict()
    for line, row in read_table(path):
        name = row.get("scenario", "")
        region = row.get("region", "")
        if not name or not region:
            raise ValueError(f"{path}: row {line}: scenario and region are required")
        duration = _number(row, "duration", line, required=True)
        if duration <= 0:
            raise ValueError(f"{path}: row {line}: duration must be > 0")
        probability = _number(row, "probability", line)
        if name not in scenarios:
            scenarios[name] = Scenario(name, duration, probability)
        scenario = scenarios[name]
        if scenario.duration != duration:
            raise ValueError(f"{path}: row {line}: scenario {name} has two durations")
        loss = _number(row, "loss", line, default=1.0)  # a blank loss is a total loss
        scenario.rules.append((region, row.get("supplier", ""), row.get("product", ""), loss))
    # a_{k,o}: the largest loss among the scenario's rows matching o (0 if none).
    for scenario in scenarios.values():
        for o in options:
            loss = 0.0
            for region, supplier, product, rule_loss in scenario.rules:
                if ((region == "*" or region == o.region)
                        and (supplier == "" or supplier == o.supplier)
                        and (product == "" or product == o.product.name)):
                    loss = max(loss, rule_loss)
            if loss > 0:
                scenario.loss[o.index] = loss
    return list(scenarios.values())


def scenario_weights(scenarios):
    """pi_k: given probabilities normalized to 1, else all equal."""
    given = [s.probability for s in scenarios if s.probability is not None]
    total = sum(given)
    if len(given) == len(scenarios) and total > 0:
        return [p / total for p in given]
    return [1.0 / len(scenarios)] * len(scenarios)


# --------------------------------------------------------------------------
# The plain scaled model (models/core.md, "Scaled form")
# --------------------------------------------------------------------------

class Model:
    pass


def build_plain(products, options, scenarios, floor, measure):
    """The plain model in divopt's column order (y, xi, m per option; rho; phi).

    PuLP hands columns to the solvers sorted by name, so names carry a
    zero-padded sequence number to keep that order.
    """
    seq = [0]

    def name(kind):
        seq[0] += 1
        return f"c{seq[0]:07d}_{kind}"

    prob = pulp.LpProblem("divopt_plain", pulp.LpMinimize)
    longest = max(s.duration for s in scenarios)
    m = Model()
    m.prob = prob
    m.y, m.xi, m.mod = [], [], []
    for o in options:
        d = o.product.demand
        m.y.append(pulp.LpVariable(name("y"), cat=pulp.LpBinary))
        m.xi.append(pulp.LpVariable(name("xi"), 0.0, min(o.max_capacity() / d, 1.0)))
        m.mod.append(None if o.module is None else
                     pulp.LpVariable(name("m"), 0, o.module[2], cat=pulp.LpInteger))
    # rho_p in [0, min(R_p, d_p max_k T_k) / d_p], only for stockpilable products.
    m.rho = []
    for p in products:
        if p.holding_cost is None:
            m.rho.append(None)
            continue
        cap = longest if p.max_reserve is None else min(p.max_reserve / p.demand, longest)
        m.rho.append(pulp.LpVariable(name("rho"), 0.0, cap))
    # phi_{p,k} in [lower, 1]; rows (5 each) and (6) are these lower bounds.
    m.phi = []
    for p in products:
        lower = 0.0
        if measure == "each" and p.weight > 0:
            lower = max(lower, floor)
        if p.floor is not None:
            lower = max(lower, p.floor)
        m.phi.append([pulp.LpVariable(name("phi"), lower, 1.0) for _ in scenarios])

    def capacity_terms(o, survive):
        """survive (cap_o / d_p y_o + u_o / d_p m_o), raw coefficients (plain model)."""
        d = o.product.demand
        terms = []
        if survive * o.capacity != 0:
            terms.append((m.y[o.index], survive * o.capacity / d))
        if o.module is not None and survive * o.module[0] != 0:
            terms.append((m.mod[o.index], survive * o.module[0] / d))
        return terms

    Expr = pulp.LpAffineExpression
    for pi, p in enumerate(products):
        opts = [options[i] for i in p.options]
        # (1) sum_o xi_o = 1
        prob += Expr([(m.xi[o.index], 1.0) for o in opts]) == 1.0
        for o in opts:
            # (2) xi_o <= cap_o / d_p y_o + u_o / d_p m_o
            prob += Expr([(m.xi[o.index], 1.0)] + [(v, -c) for v, c in capacity_terms(o, 1.0)]) <= 0.0
            # (3) m_o <= M_o y_o
            if o.module is not None:
                prob += Expr([(m.mod[o.index], 1.0), (m.y[o.index], -float(o.module[2]))]) <= 0.0
        # (7) sum_{o local} xi_o >= L_p
        if p.min_local_share is not None:
            prob += Expr([(m.xi[o.index], 1.0) for o in opts if o.local]) >= p.min_local_share
        # (8) sum_{o in region g} xi_o <= S_p for every region g of p's options
        if p.max_region_share is not None:
            for g in OrderedDict.fromkeys(o.region for o in opts):
                prob += Expr([(m.xi[o.index], 1.0) for o in opts if o.region == g]) <= p.max_region_share
        # (4) phi_{p,k} <= sum_o (1 - a_{k,o}) Cap_o / d_p + rho_p / T_k, for every k
        for ki, s in enumerate(scenarios):
            terms = [(m.phi[pi][ki], 1.0)]
            for o in opts:
                terms += [(v, -c) for v, c in capacity_terms(o, 1.0 - s.loss.get(o.index, 0.0))]
            if m.rho[pi] is not None:
                terms.append((m.rho[pi], -1.0 / s.duration))
            prob += Expr(terms) <= 0.0
    # (5) the measure rows; omitted when f = 0 or no product carries weight.
    total_weight = sum(p.weight for p in products)
    if floor > 0 and total_weight > 0:
        weighted = [(pi, p.weight) for pi, p in enumerate(products) if p.weight > 0]
        if measure == "worst":
            for ki in range(len(scenarios)):
                prob += Expr([(m.phi[pi][ki], w) for pi, w in weighted]) >= floor * total_weight
        elif measure == "expected":
            pik = scenario_weights(scenarios)
            prob += Expr([(m.phi[pi][ki], pik[ki] * w) for ki in range(len(scenarios))
                          for pi, w in weighted]) >= floor * total_weight
        # each: the lower bounds above
    # Objective: sum_o (c_o d_p xi_o + F_o y_o + e_o m_o) + sum_p h_p d_p rho_p
    objective = []
    for o in options:
        objective.append((m.xi[o.index], o.unit_cost * o.product.demand))
        if o.fixed_cost:
            objective.append((m.y[o.index], o.fixed_cost))
        if o.module is not None and o.module[1]:
            objective.append((m.mod[o.index], o.module[1]))
    for pi, p in enumerate(products):
        if m.rho[pi] is not None and p.holding_cost:
            objective.append((m.rho[pi], p.holding_cost * p.demand))
    prob += Expr(objective)
    m.columns = seq[0]
    m.rows = len(prob.constraints)
    return m


def check_plan(m, products, options, scenarios, floor, measure):
    """Recompute cost and fills from y, m and rho alone (models/core.md, "Fill").

    Returns (cost, measured floor, worst product-floor shortfall).
    """
    def val(v):
        return 0.0 if v is None or v.varValue is None else v.varValue

    cap = []
    for o in options:
        y = round(val(m.y[o.index]))
        mods = round(val(m.mod[o.index])) if o.module is not None else 0
        cap.append((y, mods, o.capacity * y + (o.module[0] * mods if o.module else 0.0)))
    cost = 0.0
    for o in options:
        y, mods, _ = cap[o.index]
        cost += o.unit_cost * o.product.demand * val(m.xi[o.index]) + o.fixed_cost * y
        if o.module is not None:
            cost += o.module[1] * mods
    for pi, p in enumerate(products):
        if m.rho[pi] is not None:
            cost += p.holding_cost * p.demand * val(m.rho[pi])
    total_weight = sum(p.weight for p in products)
    scenario_fills, product_min, own_short = [], 1.0, 0.0
    for s in scenarios:
        weighted = 0.0
        for pi, p in enumerate(products):
            served = sum((1.0 - s.loss.get(i, 0.0)) * cap[i][2] for i in p.options) * s.duration
            served += val(m.rho[pi]) * p.demand
            fill = min(1.0, served / (p.demand * s.duration))
            weighted += p.weight * fill
            if p.weight > 0:
                product_min = min(product_min, fill)
            if p.floor is not None:
                own_short = max(own_short, p.floor - fill)
        scenario_fills.append(weighted / total_weight if total_weight > 0 else 1.0)
    if measure == "worst":
        measured = min(scenario_fills)
    elif measure == "each":
        measured = product_min
    else:
        measured = sum(w * f for w, f in zip(scenario_weights(scenarios), scenario_fills))
    return cost, measured, own_short


# --------------------------------------------------------------------------
# Solvers
# --------------------------------------------------------------------------

class Result:
    def __init__(self, solver):
        self.solver = solver
        self.build = None
        self.solve = None
        self.total = None
        self.objective = None
        self.status = "not run"
        self.gap = None  # reported relative gap, if the solver says
        self.bound = None
        self.detail = ""


def highs_solver(gap, threads, time_limit):
    """PuLP's HiGHS (highspy) if importable, else HiGHS_CMD if a highs binary exists."""
    if pulp.HiGHS().available():
        return "HiGHS (PuLP, highspy)", pulp.HiGHS(msg=False, gapRel=gap, threads=threads,
                                                     timeLimit=time_limit)
    cmd = pulp.HiGHS_CMD(msg=False, gapRel=gap, threads=threads, timeLimit=time_limit)
    if cmd.available():
        return "HiGHS (PuLP, HiGHS_CMD)", cmd
    return None, None


def run_pulp(label, make_solver, data, args, parse_seconds):
    products, options, scenarios = data
    result = Result(label)
    start = time.perf_counter()
    m = build_plain(products, options, scenarios, args.floor, args.measure)
    result.build = time.perf_counter() - start
    result.model = (m.columns, m.rows)
    solver, log_path = make_solver()
    start = time.perf_counter()
    try:
        with _stdout_to_stderr():  # HiGHS prints a banner on stdout even with msg=False
            m.prob.solve(solver)
    except pulp.PulpSolverError as e:
        result.solve = time.perf_counter() - start
        result.total = parse_seconds + result.build + result.solve
        result.status = "error"
        result.detail = str(e)
        return result
    result.solve = time.perf_counter() - start
    result.total = parse_seconds + result.build + result.solve
    has_plan = m.prob.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    if m.prob.sol_status == pulp.LpSolutionOptimal:
        result.status = "optimal"
    elif m.prob.sol_status == pulp.LpSolutionIntegerFeasible:
        result.status = "time_limit"
    else:
        result.status = pulp.LpStatus.get(m.prob.status, str(m.prob.status)).lower()
    inner = None
    model = getattr(m.prob, "solverModel", None)
    if model is not None and hasattr(model, "getInfo"):  # highspy
        info = model.getInfo()
        status = model.modelStatusToString(model.getModelStatus())
        result.status = {"Optimal": "optimal", "Time limit reached": "time_limit"}.get(
            status, status.lower().replace(" ", "_"))
        if has_plan:
            result.gap, result.bound = info.mip_gap, info.mip_dual_bound
        inner = model.getRunTime()
    if log_path:  # CBC: read the result block of its log
        inner = _parse_cbc_log(log_path, result)
        os.unlink(log_path)
    if has_plan:
        result.objective = pulp.value(m.prob.objective)
        cost, measured, own_short = check_plan(m, products, options, scenarios,
                                               args.floor, args.measure)
        ok = measured >= args.floor - 1e-6 and own_short <= 1e-6
        result.detail = (f"plan check: cost {cost:.2f}, {args.measure} fill {measured:.6f}"
                         f" ({'meets' if ok else 'FAILS'} floor {args.floor}"
                         f"{', product floors met' if own_short <= 1e-6 else ', PRODUCT FLOOR SHORT'})")
        if not ok:
            print(f"WARNING: {label}: the plan fails the floor check: {result.detail}",
                  file=sys.stderr)
    if inner is not None:
        result.detail += f"; solver's own time {inner:.2f} s of the {result.solve:.2f} s solve"
    return result


class _stdout_to_stderr:
    """Sends file descriptor 1 to stderr for the block, so stdout keeps only the table."""

    def __enter__(self):
        sys.stdout.flush()
        self.saved = os.dup(1)
        os.dup2(2, 1)

    def __exit__(self, *exc):
        sys.stdout.flush()
        os.dup2(self.saved, 1)
        os.close(self.saved)
        return False


def _parse_cbc_log(path, result):
    """Status, gap, bound and wall time from the result block of a CBC log."""
    wall = None
    objective = bound = None
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("Result - "):
                    text = line[len("Result - "):].lower()
                    if "optimal" in text:
                        result.status = "optimal"
                    elif "time" in text:
                        result.status = "time_limit"
                    elif "infeasible" in text:
                        result.status = "infeasible"
                elif line.startswith("Objective value:"):
                    objective = float(line.split(":")[1])
                elif line.startswith("Lower bound:"):
                    bound = float(line.split(":")[1])
                elif line.startswith("Time (Wallclock seconds):"):
                    wall = float(line.split(":")[1])
    except (OSError, ValueError):
        return None
    if bound is not None:
        result.bound = bound
        if objective:
            result.gap = max(0.0, (objective - bound) / abs(objective))
    return wall


def run_divopt(args):
    result = Result("divopt")
    cmd = [args.divopt, "solve", args.options, "--scenarios", args.scenarios,
           "--floor", str(args.floor), "--measure", args.measure, "--json",
           "--gap", str(args.gap), "--time-limit", str(args.time_limit)]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    if args.max_region_share is not None:
        cmd += ["--max-region-share", str(args.max_region_share)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    result.total = time.perf_counter() - start
    result.command = " ".join(cmd)
    try:
        summary = json.loads(proc.stdout)["summary"]
    except (ValueError, KeyError, TypeError):
        summary = None
    if summary is None:
        result.status = f"exit {proc.returncode}"
        result.detail = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
        return result
    # Exit 3 (floor or policy out of reach) still prints the summary.
    result.status = summary.get("status") or f"exit {proc.returncode}"
    result.objective = summary.get("objective")
    result.solve = summary.get("solve_seconds")
    result.gap = summary.get("gap")
    model = summary.get("model") or {}
    result.model = (model.get("variables"), model.get("constraints"))
    method = summary.get("method") or "?"
    result.solver = f"divopt ({method.replace('_', ' ')} + baseline)"
    result.detail = (f"exit {proc.returncode}; method {method} (model: the last one HiGHS solved); "
                     "solve_seconds covers the plan and the floor-0 baseline")
    return result


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def _default_divopt():
    here = os.path.dirname(os.path.abspath(__file__))
    built = os.path.join(here, "..", "target", "release", "divopt")
    if os.path.exists(built):
        return os.path.normpath(built)
    return shutil.which("divopt") or built


def _fmt(value, digits=2):
    return "—" if value is None else f"{value:.{digits}f}"


def main():
    parser = argparse.ArgumentParser(
        description="Time divopt against the plain model built in PuLP and solved by "
                    "HiGHS and CBC (see benches/README.md).")
    parser.add_argument("options", help="options CSV (divopt's format)")
    parser.add_argument("scenarios", help="scenarios CSV (divopt's format)")
    parser.add_argument("--floor", type=float, default=0.9, help="resilience floor f (default 0.9)")
    parser.add_argument("--measure", choices=("worst", "each", "expected"), default="worst")
    parser.add_argument("--max-region-share", type=float, default=None,
                        help="policy S for every product, as divopt's flag (the lower wins)")
    parser.add_argument("--gap", type=float, default=1e-4, help="relative MIP gap (default 1e-4)")
    parser.add_argument("--time-limit", type=float, default=120.0,
                        help="seconds per solve (default 120)")
    parser.add_argument("--threads", type=int, default=1,
                        help="solver threads, also passed to divopt (default 1; 0: solvers' own choice)")
    parser.add_argument("--solvers", default="highs,cbc",
                        help="comma-separated subset of highs,cbc (default both)")
    parser.add_argument("--divopt", default=_default_divopt(),
                        help="divopt binary (default: target/release/divopt of this repo)")
    parser.add_argument("--label", default="", help="size label for the table, e.g. S")
    parser.add_argument("--no-header", action="store_true", help="print rows only")
    args = parser.parse_args()
    if not 0 <= args.floor <= 1:
        parser.error("--floor must be in [0, 1]")
    threads = args.threads or None

    start = time.perf_counter()
    try:
        products, options = read_options(args.options, args.max_region_share)
        scenarios = read_scenarios(args.scenarios, options)
    except (ValueError, KeyError, StopIteration) as e:
        sys.exit(f"pulp_compare.py: bad input: {e}")
    parse_seconds = time.perf_counter() - start
    data = (products, options, scenarios)
    per_product = {len(p.options) for p in products}
    shape = (f"{len(products)}×{per_product.pop()}" if len(per_product) == 1
             else f"{len(products)} products, {len(options)} options")
    size = f"{args.label + ' ' if args.label else ''}({shape}, {len(scenarios)} scen.)"

    results = []
    divopt = run_divopt(args)
    results.append(divopt)
    wanted = [s.strip().lower() for s in args.solvers.split(",") if s.strip()]
    for which in wanted:
        if which == "highs":
            label, _ = highs_solver(args.gap, threads, args.time_limit)
            if label is None:
                print("WARNING: no HiGHS for PuLP (pip install highspy, or put a highs binary "
                      "on PATH); skipped", file=sys.stderr)
                continue

            def make(label=label):
                return highs_solver(args.gap, threads, args.time_limit)[1], None
        elif which == "cbc":
            label = "CBC (PuLP, PULP_CBC_CMD)"

            def make():
                fd, log = tempfile.mkstemp(prefix="cbc-", suffix=".log")
                os.close(fd)
                return pulp.PULP_CBC_CMD(msg=False, gapRel=args.gap, threads=threads,
                                         timeLimit=args.time_limit, logPath=log), log
        else:
            parser.error(f"unknown solver {which!r} (highs, cbc)")
        results.append(run_pulp(label, make, data, args, parse_seconds))

    if not args.no_header:
        print("| size | solver | build s | solve s | total s | objective | status | total / divopt wall |")
        print("|---|---|---|---|---|---|---|---|")
    for r in results:
        ratio = "—"
        if r.total is not None and divopt.total:
            ratio = f"{r.total / divopt.total:.2f}×"
        print(f"| {size} | {r.solver} | {_fmt(r.build, 3)} | {_fmt(r.solve)} | {_fmt(r.total)} |"
              f" {_fmt(r.objective)} | {r.status} | {ratio} |")

    # Details and the agreement check.
    print(f"# {size}: floor {args.floor}, measure {args.measure}, gap {args.gap}, "
          f"time limit {args.time_limit} s, threads {args.threads or 'solver default'}; "
          f"CSV parse {parse_seconds:.3f} s (in the PuLP rows' total)", file=sys.stderr)
    print(f"# divopt: {getattr(divopt, 'command', '')}", file=sys.stderr)
    for r in results:
        model = getattr(r, "model", None)
        dims = f"model {model[0]}×{model[1]}" if model and model[0] is not None else "no model size"
        gap = f", gap {r.gap:.2e}" if r.gap is not None else ""
        print(f"# {r.solver}: {dims}{gap}; {r.detail}", file=sys.stderr)
    disagree = False
    if divopt.objective is None:
        print("WARNING: divopt gave no objective; nothing to compare", file=sys.stderr)
    for r in results[1:]:
        if r.objective is None or divopt.objective is None:
            continue
        diff = abs(r.objective - divopt.objective) / max(abs(divopt.objective), abs(r.objective), 1e-9)
        # Each side stops within its gap of the optimum (from above), so two
        # answers differ by at most the larger of the gaps reached; the
        # objective divopt prints is rounded to cents.
        tolerance = max(args.gap, divopt.gap or 0.0, r.gap or 0.0) + 1e-8
        note = f"{r.solver} vs divopt: relative difference {diff:.2e} (tolerance {tolerance:.2e})"
        if diff > tolerance:
            disagree = True
            print(f"WARNING: objectives disagree: {note}", file=sys.stderr)
        else:
            print(f"# agree: {note}", file=sys.stderr)
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
