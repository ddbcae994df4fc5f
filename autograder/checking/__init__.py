"""The learner side: what a student's kernel imports, and nothing else.

Modules, in the order an answer flows through them:

* ``freezing``  freeze learner values into plain data (``answers``): exact types only, read without dispatch
* ``checks``    compare answers with torch, raise teaching failures
* ``exercise``  register exercises and steps; ``check()``; the Learner that runs steps, or asks a plan or a
  replay for their answers
* ``exercises`` the chapters' exercises, one module per chapter
* ``grads``, ``graphs`` helpers the gradient chapters' exercises share
"""
