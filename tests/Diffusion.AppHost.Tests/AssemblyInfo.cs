// One app at a time: each starts DCP, the dashboard, Redis, PostgreSQL and six service processes.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
