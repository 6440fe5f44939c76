"""The simulation layer: one replication as a pure function (`replication`), its metrics, the
one engine every command runs through (`runner`), where replications run (`backends`, workers
bound to their parent by `lifeline`), the crash-safe store of finished ones (`store`) and the
lock that keeps one simcs process per results folder (`lock`)."""
