"""Technology demands, capability profiles, challenges (揭榜挂帅) and the demand–capability matcher.

The matcher (``matcher``, ``lexicon``, ``text``, ``index``) is pure: no database, no network.
"""
