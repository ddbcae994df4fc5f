"""The learner side: what a student's kernel imports, and nothing else.

Modules, in the order an answer flows through them:

* ``answers``   freeze learner values into plain data, through accessors captured from torch's C type
* ``checks``    compare answers with torch, raise teaching failures
* ``exercise``  register exercises; ``check()``; run them interactive or replay them on recorded answers
* ``exercises`` the chapters' exercises, one module per chapter
* ``grads``, ``graphs`` helpers the gradient chapters' exercises share
"""
