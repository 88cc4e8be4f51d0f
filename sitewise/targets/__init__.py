"""sitewise.targets"""
