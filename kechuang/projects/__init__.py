"""Key science and technology projects under traffic lights (红绿黄灯): status engine, projects, overrides."""
