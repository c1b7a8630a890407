// Every Dapper call in this assembly is compiled at build time (Dapper.AOT's interceptors): no IL is emitted at run time,
// so the published command runs as Native AOT (README, Performance). A tuple's columns are bound by their names.
[module: Dapper.DapperAot]
[module: Dapper.BindTupleByName(true)]
