"""Reference for bench_routing: OR-Tools' routing solver on a problem given as JSON.

Run in the reference environment (.venv-ref, made by `make bench`):
    python reference_ortools.py PROBLEM.json SECONDS
The problem holds integer ``distance`` and ``time`` matrices (node 0 is the depot), ``demand``,
``capacity``, ``vehicles``, and optionally ``windows`` ([early, late] per node), ``service``
(per node) and ``horizon``. Prints JSON: cost (total distance), routes, seconds.
"""

import json
import sys
import time

from ortools.constraint_solver import pywrapcp, routing_enums_pb2


def main() -> None:
    problem = json.load(open(sys.argv[1]))
    seconds = float(sys.argv[2])
    distance = problem["distance"]
    travel = problem.get("time", distance)
    service = problem.get("service", [0] * len(distance))
    n = len(distance)
    manager = pywrapcp.RoutingIndexManager(n, problem["vehicles"], 0)
    routing = pywrapcp.RoutingModel(manager)

    def dist(i: int, j: int) -> int:
        return distance[manager.IndexToNode(i)][manager.IndexToNode(j)]

    dist_index = routing.RegisterTransitCallback(dist)
    routing.SetArcCostEvaluatorOfAllVehicles(dist_index)
    demand = problem["demand"]
    demand_index = routing.RegisterUnaryTransitCallback(lambda i: demand[manager.IndexToNode(i)])
    routing.AddDimensionWithVehicleCapacity(
        demand_index, 0, [problem["capacity"]] * problem["vehicles"], True, "load"
    )
    if "windows" in problem:

        def duration(i: int, j: int) -> int:
            a, b = manager.IndexToNode(i), manager.IndexToNode(j)
            return service[a] + travel[a][b]

        time_index = routing.RegisterTransitCallback(duration)
        horizon = problem.get("horizon", max(w[1] for w in problem["windows"]))
        routing.AddDimension(time_index, horizon, horizon, False, "time")
        dimension = routing.GetDimensionOrDie("time")
        for node, (early, late) in enumerate(problem["windows"]):
            if node == 0:
                continue
            dimension.CumulVar(manager.NodeToIndex(node)).SetRange(early, late)
        for v in range(problem["vehicles"]):
            dimension.CumulVar(routing.Start(v)).SetRange(*problem["windows"][0])
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(int(seconds * 1000))
    start = time.perf_counter()
    solution = routing.SolveWithParameters(params)
    elapsed = time.perf_counter() - start
    if solution is None:
        print(json.dumps({"cost": None, "routes": [], "seconds": elapsed}))
        return
    routes = []
    cost = 0
    for v in range(problem["vehicles"]):
        index = routing.Start(v)
        route = []
        while not routing.IsEnd(index):
            nxt = solution.Value(routing.NextVar(index))
            cost += dist(index, nxt)
            if manager.IndexToNode(index) != 0:
                route.append(manager.IndexToNode(index))
            index = nxt
        if route:
            routes.append(route)
    print(json.dumps({"cost": cost, "routes": routes, "seconds": elapsed}))


if __name__ == "__main__":
    main()
