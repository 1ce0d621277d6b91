"""The 分析 tab: grades, Pareto, dormant customers, level rules."""
