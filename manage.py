#!/usr/bin/env python
"""Django's usual entry point; ``policybound`` (the console script) is the same thing."""

from policybound.cli import main

if __name__ == "__main__":
    main()
