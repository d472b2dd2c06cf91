@l2 @S5 @doc-27.2.7 @ipv4
Feature: S5 · L2 with pool selection by label (doc 27.2.7)
  The advertisement selects pools by label (matchExpressions, In). The `zone: east` pool is answered on
  the segment; a `zone: west` pool beside it is not.

  Scenario: the east pool is announced, the west pool is not
    Given the documented manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        namespace: metallb-system
        name: doc-example-l2-label
        labels:
          zone: east
      spec:
        addresses:
          - 172.31.249.87/32
      ---
      apiVersion: metallb.io/v1beta1
      kind: L2Advertisement
      metadata:
        name: l2advertisement-label
        namespace: metallb-system
      spec:
        ipAddressPoolSelectors:
          - matchExpressions:
              - key: zone
                operator: In
                values:
                  - east
      """
    And the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        namespace: metallb-system
        name: west
        labels:
          zone: west
      spec:
        addresses:
          - 172.31.250.1/32
        autoAssign: false
      """
    And nodes "NodeA, NodeB" and the host "client" on one segment
    And a Service "default/east" from the pool "doc-example-l2-label" with a ready endpoint on "NodeA"
    And a Service "default/west" from the pool "west" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "client" gets no answer for "172.31.250.1" while "172.31.249.87" is answered
