"""RoomKit's orchestration core: the framework, hooks, routing and resilience."""
