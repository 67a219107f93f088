"""Domain rules that neither a page nor a table owns: the password policy and hashing,
signed links, which supporting documents an application needs and what a candidate may
do with them, and the answers of an application as people read them (``recap``).
"""
