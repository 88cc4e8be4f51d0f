"""sitewise.config"""
