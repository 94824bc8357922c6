"""Talent (人才): people in talent programmes with their hosts, and talent apartments (人才公寓)."""
