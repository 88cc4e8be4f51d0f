"""sitewise.run"""
