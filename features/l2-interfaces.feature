@l2 @S6 @doc-27.2.8 @ipv4
Feature: S6 · L2 from selected interfaces (doc 27.2.8)
  `interfaces` limits where the elected node answers and announces: through interfaces named
  interfaceA or interfaceB only (NodeA reaches the node segment through interfaceA, NodeB through
  interfaceB; both reach a second segment through eth1). A host on a segment reached through another interface gets no answer.
  Without `interfaces`, every interface answers. The list does not change the election.

  Background:
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        namespace: metallb-system
        name: doc-example-l2
      spec:
        addresses:
          - 4.4.4.0/24
        autoAssign: false
      """
    And nodes "NodeA, NodeB" on the node segment through "interfaceA, interfaceB" with the host "client-a", and on a second segment through "eth1" with the host "client-c"
    And a Service "default/web" requesting "4.4.4.1" with a ready endpoint on "NodeA"

  Scenario: only interfaceA / interfaceB answer; the host behind the third interface (eth1) gets nothing
    Given the documented manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: L2Advertisement
      metadata:
        name: l2advertisement
        namespace: metallb-system
      spec:
        ipAddressPools:
          - doc-example-l2
        interfaces:
          - interfaceA
          - interfaceB
      """
    When the speaker runs on every node
    Then "client-a" gets exactly one answer for "4.4.4.1", from the elected node
    And "client-c" gets no answer for "4.4.4.1"

  Scenario: without interfaces, the elected node answers on every segment
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: L2Advertisement
      metadata:
        name: everywhere
        namespace: metallb-system
      spec:
        ipAddressPools:
          - doc-example-l2
      """
    When the speaker runs on every node
    Then "client-a" gets exactly one answer for "4.4.4.1", from the elected node
    And "client-c" gets exactly one answer for "4.4.4.1", from the elected node

  Scenario: when the elected node has none of the listed interfaces, nobody answers and it says so
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: L2Advertisement
      metadata:
        name: missing-interface
        namespace: metallb-system
      spec:
        ipAddressPools:
          - doc-example-l2
        interfaces:
          - interfaceC
      """
    When the speaker runs on every node
    Then nobody answers "4.4.4.1" on either segment, and the elected node reports an announce error for it
