"""The core: plain building blocks with no imports from the rest of shopcrm (the clock first)."""
