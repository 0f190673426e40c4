"""The console's views: thin, each behind :func:`policybound.console.decorators.staff_view`."""
