"""The industry-chain innovation atlas (产业科创图谱): clusters, chains, nodes, key items, links, analytics."""
